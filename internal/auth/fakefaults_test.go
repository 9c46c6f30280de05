package auth

import (
	"net/http"
	"net/http/httptest"
	"time"
)

// fakeFault is one misbehaviour of the fake authority, used once, for the
// next request to the devicecode endpoint (on "devicecode") or the token
// endpoint with that grant type (on "device_code", "refresh_token").
type fakeFault struct {
	on         string
	status     int           // answer this status with an OAuth error body
	retryAfter string        // Retry-After sent with status
	malformed  bool          // answer 200 with a body cut off mid-JSON
	delay      time.Duration // answer nothing for this long first (then normally)
}

// addFaults queues faults in order.
func (fa *fakeAuthority) addFaults(fs ...fakeFault) {
	fa.mu.Lock()
	defer fa.mu.Unlock()
	fa.faults = append(fa.faults, fs...)
}

// injectFault applies the first queued fault for on and reports whether it
// answered the request.
func (fa *fakeAuthority) injectFault(w http.ResponseWriter, on string) bool {
	fa.mu.Lock()
	var f *fakeFault
	for i := range fa.faults {
		if fa.faults[i].on == on {
			hit := fa.faults[i]
			f = &hit
			fa.faults = append(fa.faults[:i], fa.faults[i+1:]...)
			fa.counts["fault:"+on]++
			break
		}
	}
	fa.mu.Unlock()
	switch {
	case f == nil:
		return false
	case f.delay > 0:
		time.Sleep(f.delay)
		return false
	case f.malformed:
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"token_type":"Bearer","access_tok`))
		return true
	}
	if f.retryAfter != "" {
		w.Header().Set("Retry-After", f.retryAfter)
	}
	oauthFail(w, f.status, "temporarily_unavailable", "AADSTS90033: a transient error has occurred")
	return true
}

// holdAnswer delays a successful refresh's answer (the refresh token has
// already rotated), telling the test when it starts to wait.
func (fa *fakeAuthority) holdAnswer(r *http.Request, status int) {
	fa.mu.Lock()
	delay, ch := fa.answerDelay, fa.redeemed
	fa.mu.Unlock()
	if status != http.StatusOK || r.PostForm.Get("grant_type") != "refresh_token" {
		return
	}
	if ch != nil {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
	time.Sleep(delay)
}

func copyRecorded(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}
