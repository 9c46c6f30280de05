package doctor

import (
	"fmt"
	"net/http"
	"time"
)

// Clock skew bounds. Entra ID and Graph allow about five minutes between
// clocks; past that, tokens read as not yet valid or already expired
// (MSAL judges expiry on this machine's clock).
const (
	SkewWarning = 2 * time.Minute
	SkewFailure = 5 * time.Minute
)

// ClockSkew is how far this machine's clock is behind (positive) or ahead
// (negative) of a server's, from the Date header of an answer to a request
// sent at sent and answered at answered: the server's second is compared
// with the middle of the round trip. Date has a resolution of one second,
// far below the bounds.
func ClockSkew(date string, sent, answered time.Time) (time.Duration, error) {
	server, err := http.ParseTime(date)
	if err != nil {
		return 0, fmt.Errorf("the server's Date header %q is not an HTTP date", date)
	}
	middle := sent.Add(answered.Sub(sent) / 2)
	// Date is truncated to the second: compare with the middle of that second.
	return server.Add(500 * time.Millisecond).Sub(middle), nil
}

// ClockResult judges a skew measured against server.
func ClockResult(skew time.Duration, server string) Result {
	abs := skew
	if abs < 0 {
		abs = -abs
	}
	way := "behind"
	if skew < 0 {
		way = "ahead of"
	}
	text := fmt.Sprintf("this machine's clock is %s %s the clock of %s", HumanDuration(abs), way, server)
	fix := "set this machine's clock (enable time synchronization, NTP): tokens are refused when clocks differ by more than 5 minutes"
	switch {
	case abs > SkewFailure:
		return Result{Status: Failed, Detail: text, Fix: fix}
	case abs > SkewWarning:
		return Result{Status: Warning, Detail: text + " (tokens break past 5 minutes)", Fix: fix}
	case abs < 2*time.Second:
		return Result{Status: OK, Detail: "this machine's clock agrees with the clock of " + server + " (within a second)"}
	}
	return Result{Status: OK, Detail: text}
}

// HumanDuration is a short duration: 45s, 4m30s, 59m, 1h05m, 3d. Under a
// minute it counts seconds (a 30s bound must not read "0m"); a negative
// duration reads 0s.
func HumanDuration(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", max(0, int(d.Seconds())))
	case d < 10*time.Minute && d%time.Minute != 0:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Round(time.Minute).Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}
