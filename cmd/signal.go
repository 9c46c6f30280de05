package cmd

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// signalContext ends on Ctrl-C, SIGTERM or SIGHUP (a closed terminal or an
// ssh session dropped): each ends the command the same way, with 130 and
// the token cache left consistent.
func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
}
