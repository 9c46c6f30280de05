package resolvecache

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkOpenAndLookup is what every command pays: Open and one lookup,
// on a cache of 200 entries (100 service principals and their jobs) and on
// a file at the caps (2 tenants of 1000).
func BenchmarkOpenAndLookup(b *testing.B) {
	for _, size := range []struct {
		name           string
		scopes, perApp int
	}{{"200", 1, 100}, {"2000", 2, 500}} {
		b.Run(size.name, func(b *testing.B) {
			dir := b.TempDir()
			now := time.Now().Unix()
			var es []entry
			for sc := range size.scopes {
				scope := Scope{Cloud: testScope.Cloud, Tenant: fmt.Sprintf("tenant%d", sc)}.key()
				for i := range size.perApp {
					id := fmt.Sprintf("%08d-1111-1111-1111-111111111111", i)
					name := fmt.Sprintf("App number %d", i)
					es = append(es,
						entry{Scope: scope, Kind: kindSP, Key: norm(name), ID: id, AppID: "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa", Name: name, At: now},
						entry{Scope: scope, Kind: kindJob, Key: jobKey(id, ""), SP: id, ID: fmt.Sprintf("scim.%08d.0123456789abcdef", i), At: now})
				}
			}
			writeDisk(b, dir, es...)
			// The last tenant sorts wherever its hash falls; look up its
			// last app, the worst case for the search within it.
			scope := Scope{Cloud: testScope.Cloud, Tenant: fmt.Sprintf("tenant%d", size.scopes-1)}
			ref := fmt.Sprintf("app number %d", size.perApp-1)
			b.ReportAllocs()
			for b.Loop() {
				c, err := Open(dir, scope, DefaultTTL)
				if err != nil {
					b.Fatal(err)
				}
				if _, ok := c.ServicePrincipal(ref); !ok {
					b.Fatal("miss")
				}
			}
		})
	}
}
