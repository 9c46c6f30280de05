package doctor

import (
	"errors"
	"net/url"
	"strings"
)

// ProxyProblem says what is wrong with the value of HTTPS_PROXY as
// net/http reads it, "" when nothing. net/http drops a value it cannot
// parse without a word and connects directly (ignored is then true), and
// fails every request through a proxy whose scheme it does not speak. The
// answer never repeats the value: it may hold a password.
func ProxyProblem(value string) (problem string, ignored bool) {
	value = strings.TrimSpace(value)
	if value == "" {
		return "", false
	}
	// As net/http's parseProxy: the value, else "http://" + the value.
	u, err := url.Parse(value)
	if err != nil || u.Scheme == "" || u.Host == "" {
		if u2, err2 := url.Parse("http://" + value); err2 == nil {
			u, err = u2, nil
		}
	}
	switch {
	case err != nil:
		return "it is not a URL (" + parseReason(err) + ")", true
	case u.Host == "" || u.Hostname() == "":
		return "it names no host", false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https", "socks5", "socks5h":
		return "", false
	}
	return "its scheme " + u.Scheme + ":// is not one of http, https, socks5", false
}

// parseReason is url.Parse's complaint without the URL it quotes.
func parseReason(err error) string {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return "unreadable"
	}
	msg := ue.Err.Error()
	// "invalid port \"::bad::\" after host" quotes part of the value.
	if i := strings.IndexByte(msg, '"'); i > 0 {
		msg = strings.TrimSpace(msg[:i])
	}
	return msg
}
