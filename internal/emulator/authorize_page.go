package emulator

import (
	"html/template"
	"net/http"

	"github.com/provctl/provctl/internal/emulator/tenant"
)

// formPostPage is Entra's answer for response_mode=form_post: a page whose
// script posts the hidden fields to the redirect URI (a person without
// script presses Submit).
var formPostPage = template.Must(template.New("formpost").Parse(`<html><head><title>Working...</title></head><body>` +
	`<form method="POST" name="hiddenform" action="{{.Action}}">` +
	`{{range .Fields}}<input type="hidden" name="{{.Name}}" value="{{.Value}}" />{{end}}` +
	`<noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit" /></noscript>` +
	`</form><script language="javascript">document.forms[0].submit();</script></body></html>
`))

// consentPage is the emulator's sign-in page for /authorize when it does
// not approve by itself (no --auto-approve): pick a user, continue or
// decline. The request's parameters ride along as hidden fields.
var consentPage = template.Must(template.New("consent").Parse(`<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Sign in - provctl emulator</title>
<style>
body { font-family: "Segoe UI", system-ui, sans-serif; background: #f2f2f2; margin: 0; }
main { background: #fff; max-width: 440px; margin: 10vh auto; padding: 44px; box-shadow: 0 2px 6px rgba(0,0,0,.2); }
h1 { font-size: 24px; font-weight: 600; margin-top: 0; }
label { display: block; margin: 16px 0 4px; }
select { width: 100%; box-sizing: border-box; font-size: 15px; padding: 6px; }
button { margin-top: 24px; padding: 8px 24px; font-size: 15px; border: 0; cursor: pointer; }
.approve { background: #0067b8; color: #fff; } .decline { background: #ccc; }
.note { color: #555; font-size: 13px; }
</style></head>
<body><main>
<h1>Sign in to {{.App}}</h1>
<form id="consent" method="post" action="{{.Action}}">
{{range .Fields}}<input type="hidden" name="{{.Name}}" value="{{.Value}}">
{{end}}<label for="user">Sign in as</label>
<select id="user" name="user">{{range .Users}}<option value="{{.UserPrincipalName}}"{{if eq .UserPrincipalName $.Hint}} selected{{end}}>{{.DisplayName}} ({{.UserPrincipalName}})</option>{{end}}</select>
<button class="approve" type="submit" name="action" value="approve">Continue</button>
<button class="decline" type="submit" name="action" value="decline">Decline</button>
</form>
<p class="note">Local emulator of Microsoft Entra ID for {{.Tenant}}. No password is needed.</p>
</main></body></html>
`))

// errorPage is shown for a request that cannot be sent back to the app (no
// valid client or redirect URI), as Entra does.
var errorPage = template.Must(template.New("error").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in - provctl emulator</title></head>
<body><h1>Sorry, but we're having trouble signing you in.</h1><p>{{.}}</p></body></html>
`))

type formField struct{ Name, Value string }

type consentView struct {
	App, Action, Tenant, Hint string
	Fields                    []formField
	Users                     []*tenant.User
}

// html writes a page of the authorize endpoint.
func (e *entraReq) html(status int, t *template.Template, data any) {
	h := e.w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store, no-cache")
	h.Set("x-ms-request-id", e.traceID)
	e.w.WriteHeader(status)
	_ = t.Execute(e.w, data)
}

func (e *entraReq) authorizeErrorPage(message string) {
	e.html(http.StatusBadRequest, errorPage, message)
}
