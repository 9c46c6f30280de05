package auth

import (
	"errors"
	"fmt"
)

// LocalFix is the fix for a sign-in that failed on this machine, before
// or without the authority's word: a config folder others can write to or
// that cannot be written, the token cache's lock held by another process,
// a setting that cannot work. "" when err is none of those (the authority
// or the network decides). The fix matches the cause: `auth status` and
// `doctor` show it beside the error.
func LocalFix(err error) string {
	var unsafe *unsafeDirError
	var notWritable *notWritableError
	var locked *lockError
	var setting *SettingError
	switch {
	case errors.As(err, &unsafe):
		return fmt.Sprintf("run `chmod 700 %s`: only you may write to the folder that keeps the sign-in", unsafe.dir)
	case errors.As(err, &notWritable):
		return fmt.Sprintf("make the folder writable (`chmod 700 %s`), then try again: nothing was redeemed", notWritable.dir)
	case errors.As(err, &locked):
		return "another provctl process holds the token cache (" + locked.path + "): let it finish, or end it, then try again"
	case errors.As(err, &setting):
		if setting.Fix != "" {
			return setting.Fix
		}
		return "correct " + setting.Variable
	}
	return ""
}
