package atomicfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteReplacesWhole(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.json")
	for _, data := range []string{"first, longer content", "second"} {
		if err := Write(path, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != data {
			t.Fatalf("read %q, %v; want %q", got, err, data)
		}
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, %v; want 0600", fi.Mode().Perm(), err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 1 {
		t.Fatalf("directory holds %v, %v; want only out.json", entries, err)
	}
}

func TestWriteMissingDirectoryNamesFileWithoutOperation(t *testing.T) {
	err := Write(filepath.Join(t.TempDir(), "missing", "out.json"), []byte("x"), 0o644)
	if err == nil {
		t.Fatal("no error for a missing directory")
	}
	if msg := err.Error(); strings.HasPrefix(msg, "open ") || !strings.Contains(msg, "no such file or directory") {
		t.Fatalf("error %q: want the path without the operation and the cause", msg)
	}
}
