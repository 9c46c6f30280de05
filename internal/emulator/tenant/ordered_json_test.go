package tenant

import "testing"

func TestOrderedObjectKeepsInsertionOrder(t *testing.T) {
	o := object("z", 1, "a", object(), "m", []any{object("b", "<&>", "a", nil)})
	if got := jsonText(o); got != `{"z":1,"a":{},"m":[{"b":"<&>","a":null}]}` {
		t.Errorf("jsonText = %s", got)
	}
	if got := jsonText(orderedObject(nil)); got != `{}` {
		t.Errorf("nil object = %s", got)
	}
	o = o.set("a", "x").set("new", true)
	if got := jsonText(o); got != `{"z":1,"a":"x","m":[{"b":"<&>","a":null}],"new":true}` {
		t.Errorf("after set = %s", got)
	}
	if o.get("z") != 1 || o.get("missing") != nil {
		t.Errorf("get = %v, %v", o.get("z"), o.get("missing"))
	}
}
