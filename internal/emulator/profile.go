package emulator

import (
	"github.com/provctl/provctl/internal/emulator/tenant"
)

// Profiles: which world the emulator imitates.
const (
	// ProfileSeed is the seed document's world: the apply. outcome resource
	// answers, and provisioning-log entries appear at once.
	ProfileSeed = tenant.ProfileSeed
	// ProfileReal is what real tenants do: GET jobs/apply.{id} answers 400,
	// and an on-demand run's log entry appears only after a lag.
	ProfileReal = tenant.ProfileReal
)

// RealLogLag is the log lag of ProfileReal unless one is given.
const RealLogLag = tenant.RealLogLag

// CheckProfile returns an error naming the choices unless name is a profile.
func CheckProfile(name string) error { return tenant.CheckProfile(name) }
