package auth

// SettingError is a setting that cannot work on this machine, found before
// anything was sent: a certificate file that cannot be read, or that holds
// no certificate and key provctl can use. Signing in again would not help,
// unlike an *Error (the authority said no, exit 4): cmd maps it to exit 2
// (usage). The message begins with the variable that named the file.
type SettingError struct {
	Variable string // e.g. "PROVCTL_CLIENT_CERTIFICATE"
	Err      error
	Fix      string // what to change, for `doctor`'s fix line
}

func (e *SettingError) Error() string { return e.Err.Error() }
func (e *SettingError) Unwrap() error { return e.Err }
