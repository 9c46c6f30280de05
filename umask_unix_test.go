//go:build unix

package main

import "syscall"

// The scripts copy config files with the mode the umask gives; provctl
// refuses a config file others can write (as ssh does), so a umask of 002
// on a test machine would fail them for the wrong reason.
func init() { syscall.Umask(0o022) }
