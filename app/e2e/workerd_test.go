//go:build e2e

package e2e

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// startWorkerd runs the built worker on workerd (wrangler dev, local mode,
// offline) with the portal as its static assets and the seeded deck in KV,
// in a state directory of its own so that it never touches a developer's
// `make run` state. It needs `make worker-build` (worker/build/) and the
// node modules. stop ends wrangler and workerd.
func startWorkerd(root string) (url string, stop func(), err error) {
	wrangler := filepath.Join(root, "node_modules", ".bin", "wrangler")
	seed := filepath.Join(root, "worker", "build", "seed")
	for _, need := range []string{wrangler, filepath.Join(root, "worker", "build", "worker.mjs"), filepath.Join(seed, "kv.tsv")} {
		if _, err := os.Stat(need); err != nil {
			return "", nil, fmt.Errorf("workerd: %s is missing (run `make worker-build node-deps`)", need)
		}
	}
	state, err := os.MkdirTemp("", "tollgate-portal-workerd-")
	if err != nil {
		return "", nil, err
	}
	env := append(os.Environ(),
		"WRANGLER_SEND_METRICS=false", "WRANGLER_SEND_ERROR_REPORTS=false",
		"WRANGLER_HIDE_BANNER=true", "CLOUDFLARE_CF_FETCH_ENABLED=false")

	// Seed KV the way `make run-worker` does.
	kv, err := os.Open(filepath.Join(seed, "kv.tsv"))
	if err != nil {
		return "", nil, err
	}
	defer kv.Close()
	sc := bufio.NewScanner(kv)
	for sc.Scan() {
		key, file, ok := strings.Cut(sc.Text(), "\t")
		if !ok {
			continue
		}
		cmd := exec.Command(wrangler, "kv", "key", "put", "--local", "--persist-to", state, "--binding", "KV", key, "--path", filepath.Join(seed, file))
		cmd.Dir, cmd.Env = root, env
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", nil, fmt.Errorf("workerd: kv put %s: %v\n%s", key, err, out)
		}
	}
	// The ledger (D1): migrations, then the demo tenants, portal logins and
	// numbers, as `make run-worker` does (the account pages sign in).
	for _, args := range [][]string{
		{"d1", "migrations", "apply", "DB", "--local", "--persist-to", state},
		{"d1", "execute", "DB", "--local", "--persist-to", state, "--file", filepath.Join(seed, "seed.sql")},
	} {
		cmd := exec.Command(wrangler, args...)
		cmd.Dir, cmd.Env = root, env
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", nil, fmt.Errorf("workerd: wrangler %s: %v\n%s", strings.Join(args[:2], " "), err, out)
		}
	}

	port, err := freePort()
	if err != nil {
		return "", nil, err
	}
	logf, err := os.Create(filepath.Join(artifacts, "wrangler.log"))
	if err != nil {
		return "", nil, err
	}
	cmd := exec.Command(wrangler, "dev", "--ip", "127.0.0.1", "--port", fmt.Sprint(port),
		"--persist-to", state, "--show-interactive-dev-session=false")
	cmd.Dir, cmd.Env = root, env
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // wrangler starts workerd: stop the group
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop = func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
		logf.Close()
		os.RemoveAll(state)
	}
	url = fmt.Sprintf("http://127.0.0.1:%d", port)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url+"/v1/deck", nil)
		if res, err := http.DefaultClient.Do(req); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return url, stop, nil
			}
		}
		select {
		case <-ctx.Done():
			stop()
			return "", nil, fmt.Errorf("workerd: %s/v1/deck did not answer 200 within 60 s (see test-artifacts/portal/wrangler.log)", url)
		case <-time.After(250 * time.Millisecond):
		}
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
