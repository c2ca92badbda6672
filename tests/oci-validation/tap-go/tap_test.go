package tap

import (
	"bytes"
	"testing"
)

func TestOutput(t *testing.T) {
	var out bytes.Buffer
	tp := New()
	tp.Writer = &out
	tp.Header(0)
	tp.Ok(true, "first")
	tp.Fail("second")
	tp.Todo().Fail("third")
	tp.Skip(2, "not here")
	tp.Diagnosticf("two\nlines %d", 2)
	if err := tp.YAML(map[string]string{"key": "a\nb"}); err != nil {
		t.Fatal(err)
	}
	tp.Pass("last")
	tp.AutoPlan()
	want := `TAP version 13
ok 1 - first
not ok 2 - second
not ok 3 - third # TODO
ok 4 # SKIP not here
ok 5 # SKIP not here
# two
# lines 2
  ---
  key: |-
    a
    b
  ...
ok 6 - last
1..6
`
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
	if tp.Count() != 6 {
		t.Errorf("Count() = %d, want 6", tp.Count())
	}
}
