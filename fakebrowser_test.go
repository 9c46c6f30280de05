package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"
)

// fakeBrowser stands in for a person's browser in `login --browser`
// scripts (BROWSER=fakebrowser): it opens the emulator's sign-in page,
// answers the consent page if one is shown (as FAKEBROWSER_USER, or the
// first user; FAKEBROWSER_ACTION=decline declines), and posts the
// form_post answer to provctl's loopback redirect, as a browser's script
// would. It talks to loopback addresses only, trusts PROVCTL_CA_FILE, and
// prints no code or token: only what went wrong.
func fakeBrowser(args []string) int {
	if len(args) != 1 {
		fmt.Fprintln(os.Stderr, "usage: fakebrowser URL")
		return 2
	}
	client, err := fakeBrowserClient()
	if err != nil {
		fmt.Fprintln(os.Stderr, "fakebrowser:", err)
		return 1
	}
	page, err := browse(client, http.MethodGet, args[0], nil)
	if err == nil && strings.Contains(page, `id="consent"`) {
		action, fields := pageForm(page)
		fields.Set("user", os.Getenv("FAKEBROWSER_USER"))
		fields.Set("action", nameOrDefault(os.Getenv("FAKEBROWSER_ACTION"), "approve"))
		page, err = browse(client, http.MethodPost, action, fields)
	}
	if err == nil && strings.Contains(page, `name="hiddenform"`) {
		action, fields := pageForm(page)
		_, err = browse(client, http.MethodPost, action, fields)
	} else if err == nil {
		err = fmt.Errorf("the sign-in page has no form to post back")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "fakebrowser:", err)
		return 1
	}
	return 0
}

func fakeBrowserClient() (*http.Client, error) {
	pool := x509.NewCertPool()
	if f := os.Getenv("PROVCTL_CA_FILE"); f != "" {
		pem, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		pool.AppendCertsFromPEM(pem)
	}
	return &http.Client{
		Timeout:       10 * time.Second,
		Transport:     &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, Proxy: nil},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}, nil
}

// browse sends a request to a loopback address (localhost is sent to
// 127.0.0.1) and returns the page.
func browse(c *http.Client, method, raw string, form url.Values) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("not a URL")
	}
	host := u.Hostname()
	if host == "localhost" {
		u.Host = net.JoinHostPort("127.0.0.1", u.Port())
	} else if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return "", fmt.Errorf("refusing %s: tests talk to loopback addresses only", host)
	}
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u.String(), body)
	if err != nil {
		return "", err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.Do(req)
	if err != nil {
		return "", fmt.Errorf("%s %s://%s%s: %v", method, u.Scheme, u.Host, u.Path, withoutURL(err))
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%s %s://%s%s: HTTP %d", method, u.Scheme, u.Host, u.Path, resp.StatusCode)
	}
	return string(data), nil
}

// withoutURL keeps a transport error's reason without the URL it names (the
// URL may hold the code).
func withoutURL(err error) string {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err.Error()
	}
	return err.Error()
}

var (
	formActionRe  = regexp.MustCompile(`<form[^>]*\saction="([^"]*)"`)
	hiddenInputRe = regexp.MustCompile(`<input type="hidden" name="([^"]*)" value="([^"]*)"`)
)

// pageForm reads the first form's action and hidden fields.
func pageForm(page string) (string, url.Values) {
	action := ""
	if m := formActionRe.FindStringSubmatch(page); m != nil {
		action = html.UnescapeString(m[1])
	}
	fields := url.Values{}
	for _, m := range hiddenInputRe.FindAllStringSubmatch(page, -1) {
		fields.Add(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	return action, fields
}

func nameOrDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
