package cmd

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func notifyContext(parent context.Context) (context.Context, context.CancelFunc) {
	return signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
}
