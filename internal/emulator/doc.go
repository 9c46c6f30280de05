// Package emulator is a local, in-memory Microsoft Graph and Microsoft Entra ID
// served over TLS: "the other side" of provctl.
//
// It answers the Entra endpoints MSAL Go needs (OpenID discovery, device
// code, token with the device_code, refresh_token and client_credentials
// grants) and the Graph endpoints provctl uses (service principals,
// synchronization jobs and their schema, job control, provisionOnDemand, the
// draft "apply." outcome resource, users, groups with their members and
// transitive members, app role assignments and provisioning logs).
// provisionOnDemand is throttled like Graph (5 calls per 10 seconds per job)
// unless Options.RateLimit says otherwise (ParseRateLimit).
//
// Two profiles choose the behaviour: "seed" (the design's world, with the
// apply. resource) and "real" (what real tenants do: no apply. resource, log
// entries published late). Answers keep the service's member order and its
// per-kind shapes (gallery apps, cross-tenant sync, Cloud Sync).
//
// Responses are written from Microsoft's documented wire shapes, never from
// provctl's own structs: the package deliberately imports no other provctl
// package, so a wrong JSON tag on the client side fails a test instead of
// being mirrored here.
//
// A control API under /_emulator/ (loopback only, no authentication) lets
// tests inject faults, inspect the requests that were made, steer outcomes,
// switch profiles and log shapes, plant provisioning-log entries and expire
// or revoke tokens. docs/emulator.md describes everything it serves.
package emulator
