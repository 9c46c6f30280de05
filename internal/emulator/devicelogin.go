package emulator

import (
	"html/template"
	"net/http"
	"strings"

	"github.com/provctl/provctl/internal/emulator/tenant"
)

// deviceLoginPage is the verification page (Microsoft's is
// microsoft.com/devicelogin): a code field, a user picker, approve or decline.
var deviceLoginPage = template.Must(template.New("devicelogin").Parse(`<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Sign in - provctl emulator</title>
<style>
body { font-family: "Segoe UI", system-ui, sans-serif; background: #f2f2f2; margin: 0; }
main { background: #fff; max-width: 440px; margin: 10vh auto; padding: 44px; box-shadow: 0 2px 6px rgba(0,0,0,.2); }
h1 { font-size: 24px; font-weight: 600; margin-top: 0; }
label { display: block; margin: 16px 0 4px; }
input, select { width: 100%; box-sizing: border-box; font-size: 15px; padding: 6px; }
button { margin-top: 24px; padding: 8px 24px; font-size: 15px; border: 0; cursor: pointer; }
.approve { background: #0067b8; color: #fff; } .decline { background: #ccc; }
.note { color: #555; font-size: 13px; } .ok { color: #107c10; } .err { color: #a80000; }
</style></head>
<body><main>
<h1>{{if .Done}}provctl emulator{{else}}Enter code{{end}}</h1>
{{if .Message}}<p class="{{.Class}}">{{.Message}}</p>{{end}}
{{if not .Done}}
<form method="post" action="/devicelogin">
<label for="user_code">Enter the code displayed on your app or device.</label>
<input id="user_code" name="user_code" value="{{.Code}}" autocomplete="off" autofocus required>
<label for="user">Sign in as</label>
<select id="user" name="user">{{range .Users}}<option value="{{.UserPrincipalName}}">{{.DisplayName}} ({{.UserPrincipalName}})</option>{{end}}</select>
<button class="approve" type="submit" name="action" value="approve">Continue</button>
<button class="decline" type="submit" name="action" value="decline">Decline</button>
</form>
{{end}}
<p class="note">Local emulator of Microsoft Entra ID for {{.Tenant}}. No password is needed.</p>
</main></body></html>
`))

type deviceLoginView struct {
	Tenant  string
	Users   []*tenant.User
	Code    string
	Message string
	Class   string
	Done    bool
}

// serveDeviceLogin answers GET /devicelogin (the form; ?otc= prefills the
// code) and POST /devicelogin (approve or decline a user code).
func (s *Server) serveDeviceLogin(w http.ResponseWriter, r *http.Request) {
	if strings.TrimSuffix(r.URL.Path, "/") != "/devicelogin" {
		http.NotFound(w, r)
		return
	}
	view := deviceLoginView{Tenant: s.dir.File().Domain, Users: s.dir.Users(), Code: r.URL.Query().Get("otc")}
	status := http.StatusOK
	switch r.Method {
	case http.MethodGet:
	case http.MethodPost:
		status = s.answerDeviceLogin(r, &view)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = deviceLoginPage.Execute(w, view)
}

func (s *Server) answerDeviceLogin(r *http.Request, view *deviceLoginView) int {
	code := strings.TrimSpace(r.PostFormValue("user_code"))
	user := s.dir.FindUser(r.PostFormValue("user"))
	if users := s.dir.Users(); user == nil && len(users) > 0 {
		user = users[0]
	}
	approve := r.PostFormValue("action") != "decline"
	d := s.entra.answer(code, approve, user, s.clock.now())
	if d == nil {
		view.Code = code
		view.Message, view.Class = "That code didn't work. Check the code and try again: it may have expired or been used already.", "err"
		return http.StatusBadRequest
	}
	view.Done = true
	app := nameOr(s.clientName(d.clientID), d.clientID)
	if approve {
		view.Message, view.Class = "You have signed in to "+app+" as "+user.DisplayName+" on your device. You may now close this window.", "ok"
	} else {
		view.Message, view.Class = "You declined to sign in to "+app+" on your device. You may now close this window.", "err"
	}
	return http.StatusOK
}
