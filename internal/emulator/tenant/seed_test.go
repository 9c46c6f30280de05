package tenant

import "testing"

func TestBuiltinTenantLoads(t *testing.T) {
	f, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if f.TenantID == "" || len(f.Users) == 0 || len(f.ServicePrincipals) == 0 {
		t.Errorf("built-in tenant is empty: %+v", f)
	}
	if !IsJobOutcome("skipped") || IsJobOutcome("Skipped") {
		t.Error("IsJobOutcome")
	}
}
