package report

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/kmsguard/kmsguard/internal/textwrap"
	"github.com/kmsguard/kmsguard/result"
)

// Output is one report of a check run: a format and the file it goes to
// ("" for standard output).
type Output struct{ Format, File string }

// ParseOutputs pairs the --format values with their files: FORMAT=FILE
// names its own, and the one FORMAT without a file goes to output (-o FILE)
// or standard output.
func ParseOutputs(formats []string, output string) ([]Output, error) {
	var out []Output
	files := map[string]bool{}
	toStdout := 0
	for _, f := range formats {
		name, file, hasFile := strings.Cut(f, "=")
		if !slices.Contains(Formats, name) {
			return nil, fmt.Errorf("--format must be one of %s (optionally =FILE), not %q", strings.Join(Formats, ", "), f)
		}
		if hasFile && file == "" {
			return nil, fmt.Errorf("--format %s: the file name is empty", f)
		}
		if !hasFile {
			toStdout++
			file = output
		}
		if file != "" {
			if files[file] {
				return nil, fmt.Errorf("two formats write to %s", file)
			}
			files[file] = true
		}
		out = append(out, Output{name, file})
	}
	switch {
	case toStdout > 1:
		return nil, fmt.Errorf("only one --format can go to standard output or -o; give the others a file: --format FORMAT=FILE")
	case toStdout == 0 && output != "":
		return nil, fmt.Errorf("-o %s: every --format names its own file", output)
	}
	return out, nil
}

// WriteOutput writes one report of res: to stdout, in color when color is
// set and as wide as its terminal, or to the output's file, replaced whole
// and wrapped at textwrap.DefaultWidth.
func WriteOutput(o Output, res *result.Result, opt Options, stdout io.Writer, color bool) error {
	opt.Width = textwrap.DefaultWidth
	if o.File == "" {
		opt.Color = color
		opt.Width = textwrap.Width(stdout)
		return Write(stdout, o.Format, res, opt)
	}
	var buf bytes.Buffer
	if err := Write(&buf, o.Format, res, opt); err != nil {
		return err
	}
	return os.WriteFile(o.File, buf.Bytes(), 0o644)
}
