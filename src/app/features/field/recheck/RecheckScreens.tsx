import { Route, Switch } from 'wouter';
import type { User } from '../../../../domain/wire';
import { RecheckItemPage } from './RecheckItemPage';
import { RecheckListPage } from './RecheckListPage';

/** What a rechecker sees once signed in: the list of rectifications, and one item being rechecked. */
export function RecheckScreens({ user }: { user: User }) {
  return (
    <Switch>
      <Route path="/recheck/:rectificationId">
        {(params: { rectificationId: string }) => (
          <RecheckItemPage user={user} rectificationId={decodeURIComponent(params.rectificationId)} />
        )}
      </Route>
      <Route>
        <RecheckListPage />
      </Route>
    </Switch>
  );
}
