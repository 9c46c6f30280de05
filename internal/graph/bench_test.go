package graph

import (
	"context"
	"encoding/json"
	"testing"
)

func BenchmarkDecodeOnDemand(b *testing.B) {
	var pair StringKeyStringValuePair
	body := onDemandBody(b, "ctx", ex1Key, ex1Value)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if err := json.Unmarshal(body, &pair); err != nil {
			b.Fatal(err)
		}
		if _, err := DecodeOnDemand(pair); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkListPages(b *testing.B) {
	pages := make([][]string, 5)
	for i := range pages {
		for j := 0; j < 100; j++ {
			pages[i] = append(pages[i], "8783a342-f7a2-46fb-8243-3658cee556ce")
		}
	}
	srv := newPagedServer(b, pages, nil)
	c, _ := newTestClient(srv.Server, &fakeTokens{})
	b.ReportAllocs()
	for b.Loop() {
		got, err := List[item](context.Background(), c, "items", nil, nil, 0)
		if err != nil || len(got) != 500 {
			b.Fatalf("%d items, %v", len(got), err)
		}
	}
}
