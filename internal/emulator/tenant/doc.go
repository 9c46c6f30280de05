// Package tenant is the emulator's tenant: the seed (the tenant-file format,
// with the built-in tenant.json) and the directory state built from it
// (Directory: users, groups, service principals, synchronization jobs,
// provisioning logs and the behaviour switches). Directory owns its mutex:
// every exported method locks internally, so callers never lock. Job state
// transitions, the on-demand decisions and the rendering of jobs, on-demand
// answers and provisioning-log entries live here too. It knows nothing of
// HTTP: the emulator's handlers call it and write the answers.
package tenant
