// Command standin plays Stella Ops services for demos on the local control
// plane: one stand-in HTTP server per service on 127.0.0.1 (see
// test/e2e/standin). It prints "SERVICE PORT" per line once all listen, then
// serves until interrupted.
//
//	go run ./hack/standin -version 2025.09.2 -source stable authority concelier …
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/stella-ops/stella-plugins/test/e2e/standin"
)

func main() {
	version := flag.String("version", "", "version /version reports")
	source := flag.String("source", "", "channel /version reports as source")
	commit := flag.String("commit", "0d1e2f3", "commit /version reports")
	flag.Parse()
	if flag.NArg() == 0 || *version == "" || *source == "" {
		fmt.Fprintln(os.Stderr, "usage: standin -version V -source CHANNEL SERVICE...")
		os.Exit(4)
	}
	for _, svc := range flag.Args() {
		s, err := standin.Start(svc, *version, *commit, *source)
		if err != nil {
			fmt.Fprintf(os.Stderr, "standin: %v\n", err)
			os.Exit(1)
		}
		defer s.Close()
		fmt.Printf("%s %d\n", svc, s.Port())
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
}
