package awsemu_test

import (
	"bufio"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
)

func TestEmuProgram(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	bin := filepath.Join(t.TempDir(), "awsemu")
	build := exec.Command("go", "build", "-o", bin, "./cmd/awsemu")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "-listen", "127.0.0.1:0", "-account-id", "111122223333", "-region", "eu-west-1", "-propagation-delay", "0s", "-latency", "0s")
	stdout, err := cmd.StdoutPipe()
	emutest.Must(t, err)
	emutest.Must(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(stdout).ReadString('\n')
		line <- s
	}()
	var first string
	select {
	case first = <-line:
	case <-time.After(10 * time.Second):
		t.Fatal("no startup line")
	}
	endpoint, ok := strings.CutPrefix(strings.TrimSpace(first), "awsemu listening on ")
	if !ok || !strings.HasPrefix(endpoint, "http://127.0.0.1:") {
		t.Fatalf("startup line = %q", first)
	}
	resp, err := http.Get(endpoint + "/_emu/health")
	emutest.Must(t, err)
	var body [256]byte
	n, _ := resp.Body.Read(body[:])
	resp.Body.Close()
	if !strings.Contains(string(body[:n]), "111122223333") || !strings.Contains(string(body[:n]), "eu-west-1") {
		t.Fatalf("health = %s", body[:n])
	}

	emutest.Must(t, cmd.Process.Signal(syscall.SIGTERM))
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("did not stop on SIGTERM")
	}
}
