package tenant

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite bench/testdata/tenant-bulk.json")

// benchTenantFile is the tenant file for benchmarks of bulk provisioning,
// relative to this package.
var benchTenantFile = filepath.Join("..", "..", "..", "bench", "testdata", "tenant-bulk.json")

// BulkUsers is how many bulkNNN@contoso.test users the benchmark tenant adds.
const bulkUsers = 100

// bulkUserID is the object id of bulkNNN@contoso.test (1–100).
func bulkUserID(n int) string { return fmt.Sprintf("3b0e7a00-5c1d-4e2f-9c00-000000000%03d", n) }

// benchTenant is the built-in tenant plus bulk001…bulk100@contoso.test, each
// assigned to Box directly and left out of the seeded history.
func benchTenant(t *testing.T) []byte {
	t.Helper()
	f, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	for n := 1; n <= bulkUsers; n++ {
		upn := fmt.Sprintf("bulk%03d@contoso.test", n)
		f.Users = append(f.Users, User{
			ID: bulkUserID(n), UserPrincipalName: upn, DisplayName: fmt.Sprintf("Bulk User %03d", n),
			GivenName: "Bulk", Surname: fmt.Sprintf("User %03d", n), JobTitle: "Benchmark", Mail: upn, NoHistory: true,
		})
	}
	for i := range f.ServicePrincipals {
		if f.ServicePrincipals[i].ID == boxSP {
			for n := 1; n <= bulkUsers; n++ {
				f.ServicePrincipals[i].Assignments = append(f.ServicePrincipals[i].Assignments, bulkUserID(n))
			}
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(f); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestBenchTenantUpToDate regenerates bench/testdata/tenant-bulk.json and
// compares it with the file (go test -run TestBenchTenantUpToDate -update
// rewrites it), then checks it loads and puts every bulk user in Box's scope.
func TestBenchTenantUpToDate(t *testing.T) {
	want := benchTenant(t)
	if *update {
		if err := os.MkdirAll(filepath.Dir(benchTenantFile), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(benchTenantFile, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(benchTenantFile)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/emulator/tenant -run TestBenchTenantUpToDate -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is stale: run go test ./internal/emulator/tenant -run TestBenchTenantUpToDate -update", benchTenantFile)
	}
	f, err := Load(benchTenantFile)
	if err != nil {
		t.Fatal(err)
	}
	d := New(f, time.Now())
	box := d.LookupSP(boxSP, false)
	for n := 1; n <= bulkUsers; n++ {
		u := d.FindUser(fmt.Sprintf("bulk%03d@contoso.test", n))
		if u == nil || u.ID != bulkUserID(n) || !box.assigned(u.ID) {
			t.Fatalf("bulk%03d: %+v", n, u)
		}
	}
	if len(f.Users) != 38+bulkUsers || !box.assigned(adeleID) || !box.assigned(waveUser(1)) || box.assigned(waveUser(31)) {
		t.Errorf("the built-in tenant is not kept: %d users", len(f.Users))
	}
}
