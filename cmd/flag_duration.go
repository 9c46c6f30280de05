package cmd

import (
	"errors"
	"time"

	"github.com/spf13/pflag"
)

// durationValue is a duration flag that also takes days and weeks ("1d",
// "2w", "1d12h"), as --since does: pflag's own gives Go's "unknown unit d".
type durationValue struct{ p *time.Duration }

func (d durationValue) String() string {
	if d.p == nil {
		return "0s"
	}
	return d.p.String()
}

func (d durationValue) Type() string { return "duration" }

func (d durationValue) Set(s string) error {
	v, ok := parseAgo(s)
	if !ok {
		if v, err := time.ParseDuration(s); err == nil { // a negative value: its own check names the range
			*d.p = v
			return nil
		}
		return errors.New("use a duration such as 90s, 10m, 2h, 1d or 1w")
	}
	*d.p = v
	return nil
}

// durationFlag defines a duration flag that takes days and weeks too.
func durationFlag(fs *pflag.FlagSet, p *time.Duration, name string, value time.Duration, usage string) {
	*p = value
	fs.Var(durationValue{p}, name, usage)
}
