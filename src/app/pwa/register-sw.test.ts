import { describe, expect, it, vi } from 'vitest';
import { createUpdateController } from './register-sw';

function setup() {
  const actions = { skipWaiting: vi.fn(), reload: vi.fn() };
  return { actions, controller: createUpdateController(actions) };
}

describe('service-worker update prompt', () => {
  it('never activates or reloads on its own when a new version waits', () => {
    const { actions, controller } = setup();
    controller.updateWaiting();
    expect(controller.getSnapshot().status).toBe('available');
    expect(actions.skipWaiting).not.toHaveBeenCalled();
    expect(actions.reload).not.toHaveBeenCalled();
  });

  it('skips waiting on the user request and reloads once the new worker controls', () => {
    const { actions, controller } = setup();
    controller.updateWaiting();
    controller.applyUpdate();
    expect(actions.skipWaiting).toHaveBeenCalledTimes(1);
    expect(actions.reload).not.toHaveBeenCalled();
    expect(controller.getSnapshot().status).toBe('applying');
    controller.newWorkerControlling();
    expect(actions.reload).toHaveBeenCalledTimes(1);
  });

  it('says the update waits for syncing while the guard is busy, and applies it once idle', () => {
    const { actions, controller } = setup();
    let busy = true;
    controller.setUpdateGuard(() => busy);
    controller.updateWaiting();
    expect(controller.getSnapshot()).toEqual({ status: 'available', busy: true });

    controller.applyUpdate();
    expect(controller.getSnapshot().status).toBe('deferred');
    expect(actions.skipWaiting).not.toHaveBeenCalled();

    busy = false;
    controller.notifyUpdateGuardChanged();
    expect(actions.skipWaiting).toHaveBeenCalledTimes(1);
    expect(controller.getSnapshot()).toEqual({ status: 'applying', busy: false });
  });

  it('does not reload when the guard turns busy between skip-waiting and control', () => {
    const { actions, controller } = setup();
    let busy = false;
    controller.setUpdateGuard(() => busy);
    controller.updateWaiting();
    controller.applyUpdate();
    busy = true;
    controller.newWorkerControlling();
    expect(actions.reload).not.toHaveBeenCalled();
    expect(controller.getSnapshot().status).toBe('deferred');
    busy = false;
    controller.notifyUpdateGuardChanged();
    expect(actions.reload).toHaveBeenCalledTimes(1);
  });

  it('prompts instead of reloading when another tab applied the update', () => {
    const { actions, controller } = setup();
    controller.newWorkerControlling();
    expect(actions.reload).not.toHaveBeenCalled();
    expect(controller.getSnapshot().status).toBe('available');
    controller.applyUpdate();
    expect(actions.skipWaiting).not.toHaveBeenCalled();
    expect(actions.reload).toHaveBeenCalledTimes(1);
  });

  it('treats a throwing guard as busy', () => {
    const { actions, controller } = setup();
    controller.setUpdateGuard(() => {
      throw new Error('broken');
    });
    controller.updateWaiting();
    controller.applyUpdate();
    expect(actions.skipWaiting).not.toHaveBeenCalled();
    expect(controller.getSnapshot().status).toBe('deferred');
  });

  it('notifies subscribers on changes only', () => {
    const { controller } = setup();
    const listener = vi.fn();
    const unsubscribe = controller.subscribe(listener);
    controller.notifyUpdateGuardChanged();
    expect(listener).not.toHaveBeenCalled();
    controller.updateWaiting();
    controller.updateWaiting();
    expect(listener).toHaveBeenCalledTimes(1);
    unsubscribe();
    controller.applyUpdate();
    expect(listener).toHaveBeenCalledTimes(1);
  });
});
