package report

import (
	"reflect"
	"testing"
)

func TestParseOutputs(t *testing.T) {
	tests := []struct {
		formats []string
		output  string
		want    []Output
		err     string
	}{
		{[]string{"text"}, "", []Output{{"text", ""}}, ""},
		{[]string{"sarif=k.sarif", "text"}, "", []Output{{"sarif", "k.sarif"}, {"text", ""}}, ""},
		{[]string{"json"}, "out.json", []Output{{"json", "out.json"}}, ""},
		{[]string{"yaml"}, "", nil, `--format must be one of text, json, sarif, junit, github (optionally =FILE), not "yaml"`},
		{[]string{"sarif="}, "", nil, "--format sarif=: the file name is empty"},
		{[]string{"text", "json"}, "", nil, "only one --format can go to standard output or -o; give the others a file: --format FORMAT=FILE"},
		{[]string{"sarif=x", "json=x", "text"}, "", nil, "two formats write to x"},
		{[]string{"json", "sarif=x"}, "x", nil, "two formats write to x"},
		{[]string{"sarif=k.sarif"}, "x.json", nil, "-o x.json: every --format names its own file"},
	}
	for _, tt := range tests {
		got, err := ParseOutputs(tt.formats, tt.output)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("ParseOutputs(%q, %q) error = %v, want %q", tt.formats, tt.output, err, tt.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseOutputs(%q, %q) = %v, %v; want %v", tt.formats, tt.output, got, err, tt.want)
		}
	}
}
