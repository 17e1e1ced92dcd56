package report

import (
	"fmt"
	"io"

	"github.com/kmsguard/kmsguard/result"
)

// The --stats lines: how a command's questions were answered, by the
// native engine or by the Rego (a fallback). They go to standard error,
// one line each, and name the command; as every diagnostic on standard
// error, a failed write is not an error of the command.

// WriteEvalStats writes eval --batch's line: native questions answered by
// the native engine, fallbacks by the Rego, and whether the Rego had to be
// compiled at all.
func WriteEvalStats(w io.Writer, native, fallbacks int64, regoCompiled bool) {
	compiled := "not compiled"
	if regoCompiled {
		compiled = "compiled"
	}
	fmt.Fprintf(w, "kmsguard eval: %d answered by the native engine, %d by the Rego (fallbacks); the Rego %s\n",
		native, fallbacks, compiled)
}

// WriteWhoCanStats writes who-can's line: native questions answered by the
// native analysis, declined by the Rego.
func WriteWhoCanStats(w io.Writer, native, declined int64) {
	fmt.Fprintf(w, "kmsguard who-can: %d answered by the native analysis, %d by the Rego (fallbacks)\n", native, declined)
}

// WriteDiffStats writes diff's line: "answered by the native analysis: 1
// of 2000 keys analysed (the others are the same in both snapshots); 0
// fallbacks to the Rego".
func WriteDiffStats(w io.Writer, s result.DiffStats) {
	if !s.Native {
		fmt.Fprintln(w, "kmsguard diff: answered by the Rego (1 fallback): every key analysed")
		return
	}
	fmt.Fprintf(w, "kmsguard diff: answered by the native analysis: %d of %d key%s analysed (the others are the same in both snapshots); 0 fallbacks to the Rego\n",
		s.Keys.Analysed, s.Keys.Total, pluralS(s.Keys.Total))
}
