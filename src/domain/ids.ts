/**
 * The formats of identifiers on the wire, as plain regular expressions: importable without zod,
 * so code on the phone's first screen does not load the schema library.
 */

/** Caller-chosen codes for sites, rounds and users: letters, digits, `.`, `_`, `-`; never a path. */
export const CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** A photo's identity: the lowercase hex SHA-256 of its bytes. */
export const SHA256 = /^[0-9a-f]{64}$/;

/** The three kinds of New Era Civilization Practice sites. */
export const SITE_TYPES = ['center', 'institute', 'station'] as const;
export type SiteType = (typeof SITE_TYPES)[number];
