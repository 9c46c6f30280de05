package tenant

import (
	"fmt"
	"time"
)

// Profiles: which world the emulator imitates.
const (
	// ProfileSeed is the seed document's world: the apply. outcome resource
	// answers, and provisioning-log entries appear at once.
	ProfileSeed = "seed"
	// ProfileReal is what real tenants do: GET jobs/apply.{id} answers 400,
	// and an on-demand run's log entry appears only after a lag.
	ProfileReal = "real"
)

// RealLogLag is the log lag of ProfileReal unless one is given.
const RealLogLag = 20 * time.Second

// CheckProfile returns an error naming the choices unless name is a profile.
func CheckProfile(name string) error {
	switch name {
	case ProfileSeed, ProfileReal:
		return nil
	}
	return fmt.Errorf("unknown emulator profile %q: use %q or %q", name, ProfileSeed, ProfileReal)
}

// applyResourceOn reports whether GET jobs/apply.{id} answers: the
// applyResource switch when set, else the profile. Call with d.mu held.
func (d *Directory) applyResourceOn() bool {
	if d.applyOverride != nil {
		return *d.applyOverride
	}
	return d.profile != ProfileReal
}

// logLag is how long an on-demand log entry stays unpublished: the given
// lag when set, else the profile's. Call with d.mu held.
func (d *Directory) logLag() time.Duration {
	if d.lagOverride != nil {
		return *d.lagOverride
	}
	if d.profile == ProfileReal {
		return RealLogLag
	}
	return 0
}
