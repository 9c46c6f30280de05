// Package resolvecache remembers what provctl resolved from Graph, so a
// repeated command skips the lookups: service principal references as the
// user typed them (display name, appId or object id) → the service
// principal's ids and name, job template references → job ids, the
// (service principal, job) pairs Graph has shown to exist, and whether the
// tenant lacks the apply. resource. Entries are kept per cloud and tenant
// in one small file in the config dir and live for a TTL (default 24 h).
//
// It is safe because it holds only ids and names (never a token or a
// secret) and because a stale entry cannot produce a wrong answer: every
// cached id is still sent to Graph, and when Graph answers 404 the caller
// drops it (ForgetServicePrincipal, ForgetJob) and resolves again within
// the same command — a stale cache costs one request, nothing more.
//
// The file is shared by parallel processes: reads take no lock (writes are
// atomic renames), writes take a bounded file lock and merge with what
// other processes wrote. A missing, corrupt, oversized or foreign file
// reads as an empty cache, and a write that cannot be made is skipped, so
// the cache can never stop or hang a command.
package resolvecache
