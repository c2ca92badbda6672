// Package tap writes Test Anything Protocol (version 13) output.
//
// It offers the interface of github.com/mndrix/tap-go, which the OCI
// runtime-tools validation programs import and which Debian does not
// package: the validation harness puts this directory on the GOPATH
// under that import path.
package tap

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"testing/quick"

	yaml "gopkg.in/yaml.v2"
)

// T is a TAP producer.  The copy returned by Todo shares its test
// counter, so numbering stays consistent across both.
type T struct {
	mu     *sync.Mutex
	next   *int
	Writer io.Writer // where the TAP goes; os.Stdout by default
	TODO   bool      // mark every following test line "# TODO"
}

// New returns a producer that writes to standard output.
func New() *T {
	next := 1
	return &T{mu: &sync.Mutex{}, next: &next, Writer: os.Stdout}
}

func (t *T) printf(format string, a ...interface{}) {
	fmt.Fprintf(t.Writer, format, a...)
}

// Header prints the version line and, when the number of tests is
// known (testCount > 0), the plan.
func (t *T) Header(testCount int) {
	t.printf("TAP version 13\n")
	if testCount > 0 {
		t.printf("1..%d\n", testCount)
	}
}

// Ok prints one test line: "ok" when test holds, "not ok" otherwise.
func (t *T) Ok(test bool, description string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	status := "ok"
	if !test {
		status = "not ok"
	}
	directive := ""
	if t.TODO {
		directive = " # TODO"
	}
	t.printf("%s %d - %s%s\n", status, *t.next, description, directive)
	*t.next++
}

// Pass prints a passing test line.
func (t *T) Pass(description string) { t.Ok(true, description) }

// Fail prints a failing test line.
func (t *T) Fail(description string) { t.Ok(false, description) }

// Check runs a testing/quick property; the test passes when it holds
// for every generated input.
func (t *T) Check(function interface{}, description string) {
	err := quick.Check(function, nil)
	t.Ok(err == nil, description)
	if err != nil {
		t.Diagnostic(err.Error())
	}
}

// Skip prints count skipped test lines, each passing.
func (t *T) Skip(count int, description string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for i := 0; i < count; i++ {
		t.printf("ok %d # SKIP %s\n", *t.next, description)
		*t.next++
	}
}

// Todo returns a producer whose test lines carry the TODO directive,
// numbered in sequence with t's.
func (t *T) Todo() *T {
	todo := *t
	todo.TODO = true
	return &todo
}

// Count is the number of test lines printed so far.
func (t *T) Count() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return *t.next - 1
}

// AutoPlan prints the plan for the tests printed so far; used when the
// number of tests was not known at Header time.
func (t *T) AutoPlan() {
	t.printf("1..%d\n", t.Count())
}

// Diagnostic prints message as comment lines.
func (t *T) Diagnostic(message string) {
	t.printf("# %s\n", strings.ReplaceAll(strings.TrimRight(message, "\n"), "\n", "\n# "))
}

// Diagnosticf prints a formatted diagnostic.
func (t *T) Diagnosticf(format string, a ...interface{}) {
	t.Diagnostic(fmt.Sprintf(format, a...))
}

// YAML prints message as an indented YAML block ("---" ... "..."),
// which TAP 13 attaches to the preceding test line.
func (t *T) YAML(message interface{}) error {
	doc, err := yaml.Marshal(message)
	if err != nil {
		return err
	}
	lines := strings.Split(strings.TrimRight(string(doc), "\n"), "\n")
	t.printf("  ---\n")
	for _, line := range lines {
		t.printf("  %s\n", line)
	}
	t.printf("  ...\n")
	return nil
}
