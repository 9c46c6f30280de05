package cmd

import "github.com/spf13/cobra"

// newHelpTopic is a non-runnable command shown under "Additional help topics".
func newHelpTopic(name, short, long string) *cobra.Command {
	return &cobra.Command{Use: name, Short: short, Long: long}
}

const exitCodesHelp = `provctl's exit codes mean one thing each, so scripts can branch on them:

  0    success: the outcome is success (warnings allowed), or the command did what it was asked
  1    error: Graph, network or unexpected failure after retries (the message includes Graph's request-id)
  2    usage: invalid flags, arguments or ids; nothing was sent
  3    failed: the provisioning outcome is failure, or the job is in quarantine
  4    authentication/authorization: not signed in, token refused, consent or role missing
  5    pending: no final outcome yet (without --wait), or --timeout passed while waiting
  6    skipped: the final outcome is skipped (nothing changed in the target; the reason is printed)
  130  interrupted (Ctrl-C, SIGTERM or SIGHUP); caches and files are left consistent`

const environmentHelp = `provctl reads these environment variables (a flag wins over a variable,
a variable over the config file, the config file over the default):

  PROVCTL_TENANT           tenant id or domain (default organizations)
  PROVCTL_CLIENT_ID        app (client) id (default: Microsoft Graph Command Line Tools,
                           14d82eec-204b-4c2f-b7e8-296a70dab67e)
  PROVCTL_CLOUD            global | usgov | usgovdod | china (sets both hosts below)
  PROVCTL_GRAPH_URL        Graph root, e.g. https://graph.microsoft.com
  PROVCTL_AUTHORITY_HOST   sign-in root, e.g. https://login.microsoftonline.com
  PROVCTL_API_VERSION      beta (default) or v1.0
  PROVCTL_CA_FILE          extra PEM CA certificates to trust (emulator, TLS-inspecting proxy)
  PROVCTL_ACCESS_TOKEN     use this bearer token as is (no sign-in, no cache)
  PROVCTL_CLIENT_SECRET    app-only sign-in with PROVCTL_CLIENT_ID and this secret
  PROVCTL_CLIENT_CERTIFICATE  app-only sign-in with a PEM file holding certificate and key
  AZURE_FEDERATED_TOKEN_FILE  workload identity federation (with AZURE_CLIENT_ID, AZURE_TENANT_ID)
  PROVCTL_CONFIG_DIR       config and token cache folder (default $XDG_CONFIG_HOME/provctl
                           or ~/.config/provctl)
  PROVCTL_OUTPUT           default output format: table, json or yaml
  PROVCTL_COMMAND_TIMEOUT  give up on a command without --wait after this long (default 2m)
  NO_COLOR                 disable color; HTTPS_PROXY and NO_PROXY are honoured

The config file <config dir>/config.yaml takes keys named like the flags, e.g.
  tenant: contoso.onmicrosoft.com
  output: json`
