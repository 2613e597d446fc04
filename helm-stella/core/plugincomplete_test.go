package main

import (
	"reflect"
	"testing"
)

func TestCompleteArgs(t *testing.T) {
	for _, c := range []struct {
		argv0 string
		args  []string
		want  []string
	}{
		{"/home/u/.local/share/helm/plugins/stella/bin/helm-stella", []string{"align"}, []string{"align"}},
		{`C:\Users\u\AppData\Roaming\helm\plugins\stella\plugin.complete`, []string{"safe-rollback", ""}, []string{"__complete", "safe-rollback", ""}},
		{"/plugins/stella/plugin.complete", []string{"promote", "st"}, []string{"__complete", "promote", "st"}},
		{`C:\plugins\stella\PLUGIN.COMPLETE.exe`, nil, []string{"__complete"}},
		{"helm-stella.exe", []string{"version"}, []string{"version"}},
	} {
		if got := completeArgs(c.argv0, c.args); !reflect.DeepEqual(got, c.want) {
			t.Errorf("completeArgs(%q, %q) = %q, want %q", c.argv0, c.args, got, c.want)
		}
	}
}
