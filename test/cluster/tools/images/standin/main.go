// Command standin plays a Stella Ops service on the real node of the local
// control plane. It serves /healthz, /readyz, /health/liveness,
// /health/readiness and /version (JSON: service, version, commit, source =
// the channel) and behaves as its first argument says:
//
//	serve                 serve and be ready (default)
//	crash [-after 2s]     serve, then exit 1 after the delay
//	oom [-step 8]         allocate MiB steps (and touch them) until killed
//	never-ready           serve, but /readyz and /health/readiness answer 503
//	slow-start [-delay]   ready only after the delay (default 20s)
//	check [URL]           GET URL (default: its own /readyz), exit 0 on 2xx (helm test pods)
//
// STELLAOPS_CHANNEL, STELLAOPS_VERSION and STELLAOPS_COMMIT fill /version;
// -service names the service, -port (or PORT) the listening port.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

func main() {
	mode := "serve"
	args := os.Args[1:]
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		mode, args = args[0], args[1:]
	}
	fs := flag.NewFlagSet(mode, flag.ExitOnError)
	service := fs.String("service", envOr("STELLAOPS_SERVICE", "standin"), "service name reported by /version")
	port := fs.Int("port", atoi(envOr("PORT", "8080")), "listening port")
	after := fs.Duration("after", 2*time.Second, "crash: exit 1 after this long")
	delay := fs.Duration("delay", 20*time.Second, "slow-start: ready after this long")
	step := fs.Int("step", 8, "oom: MiB allocated per step")
	_ = fs.Parse(args)
	logf("%s %s starting (mode %s, channel %s, version %s)", *service, os.Getenv("STELLAOPS_VERSION"), mode,
		os.Getenv("STELLAOPS_CHANNEL"), os.Getenv("STELLAOPS_VERSION"))
	switch mode {
	case "check":
		url := fs.Arg(0)
		if url == "" { // self-test: the image serves its own endpoints in this pod
			go serve(*service, *port, time.Now())
			time.Sleep(200 * time.Millisecond)
			url = fmt.Sprintf("http://127.0.0.1:%d/readyz", *port)
		}
		os.Exit(check(url))
	case "oom":
		oom(*step)
	}
	readyAt := time.Now()
	switch mode {
	case "slow-start":
		readyAt = readyAt.Add(*delay)
	case "never-ready":
		readyAt = time.Time{}
	case "crash":
		go func() {
			time.Sleep(*after)
			logf("fatal: simulated crash after %s: exiting with code 1", *after)
			os.Exit(1)
		}()
	case "serve":
	default:
		logf("unknown mode %q", mode)
		os.Exit(2)
	}
	go serve(*service, *port, readyAt)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	logf("stopping on %s", <-sig)
}

func serve(service string, port int, readyAt time.Time) {
	ready := func() bool { return !readyAt.IsZero() && time.Now().After(readyAt) }
	ok := func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") }
	readyz := func(w http.ResponseWriter, _ *http.Request) {
		if !ready() {
			http.Error(w, "not ready", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	}
	version := func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{
			"service": service, "version": os.Getenv("STELLAOPS_VERSION"),
			"commit": envOr("STELLAOPS_COMMIT", "5e11a0c"), "source": os.Getenv("STELLAOPS_CHANNEL"),
			"channel": os.Getenv("STELLAOPS_CHANNEL"),
		})
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", ok)
	mux.HandleFunc("/health/liveness", ok)
	mux.HandleFunc("/readyz", readyz)
	mux.HandleFunc("/health/readiness", readyz)
	mux.HandleFunc("/version", version)
	logf("serving on :%d", port)
	srv := &http.Server{Addr: ":" + strconv.Itoa(port), Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	if err := srv.ListenAndServe(); err != nil {
		logf("fatal: %v", err)
		os.Exit(1)
	}
}

func oom(step int) {
	var held [][]byte
	for i := 1; ; i++ {
		b := make([]byte, step<<20)
		for j := range b {
			b[j] = byte(j)
		}
		held = append(held, b)
		logf("allocated %d MiB", i*step)
		time.Sleep(50 * time.Millisecond)
	}
}

func check(url string) int {
	c := &http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		logf("check %s: %v", url, err)
		return 1
	}
	resp.Body.Close()
	logf("check %s: %s", url, resp.Status)
	if resp.StatusCode/100 != 2 {
		return 1
	}
	return 0
}

func logf(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "standin: "+format+"\n", a...)
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
