// Package tenant is the emulator's tenant: the seed (the tenant-file format,
// with the built-in tenant.json) and, in time, the directory state built
// from it. It knows nothing of HTTP.
package tenant
