// Command spdyclient is the streaming client of jcri's e2e tests: it speaks Kubernetes' remote-command
// (exec, attach) and port-forward protocols over SPDY/3.1 the way client-go does (k8s.io/client-go/tools/
// remotecommand and tools/portforward over k8s.io/apimachinery's spdy round tripper), on top of the real
// framer, github.com/moby/spdystream. It is ours, written for the tests; it links nothing of Kubernetes.
//
//	spdyclient [flags] exec|attach URL
//	spdyclient [flags] -port N portforward URL
//
// Exec and attach copy our stdin to the remote stdin (-stdin) and the remote stdout/stderr to ours; the exit
// code is the remote command's. Port-forward opens one error+data stream pair per connection (-connections),
// sends our stdin on each data stream, half-closes it, and prints what the pod answered.
//
// Exit codes besides the remote command's: 120 protocol or connection error, 121 the server reported a
// failure that is not an exit code (message on stderr), 124 timed out.
package main

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/moby/spdystream"
)

const (
	exitProtocol = 120
	exitFailure  = 121
	exitTimeout  = 124

	// client-go: k8s.io/apimachinery/pkg/util/httpstream/spdy createStreamResponseTimeout
	streamReplyTimeout = 30 * time.Second
)

var (
	timeout     = flag.Duration("timeout", 60*time.Second, "give up (exit 124) after this long")
	protocols   = flag.String("protocols", "v5.channel.k8s.io,v4.channel.k8s.io,v3.channel.k8s.io,v2.channel.k8s.io,channel.k8s.io", "remote-command protocols offered, preferred first")
	useStdin    = flag.Bool("stdin", false, "open a stdin stream fed from our stdin")
	useStdout   = flag.Bool("stdout", true, "open a stdout stream")
	useStderr   = flag.Bool("stderr", true, "open a stderr stream (never with -tty, as client-go)")
	tty         = flag.Bool("tty", false, "the session has a terminal (v3+: a resize stream)")
	resize      = flag.String("resize", "", "WIDTHxHEIGHT sent on the resize stream once the streams are open")
	keepStdin   = flag.Bool("keep-stdin", false, "do not half-close the stdin stream when our stdin ends")
	port        = flag.Int("port", 0, "port-forward: the pod's port")
	connections = flag.Int("connections", 1, "port-forward: connections opened at once, each sent our stdin")
	ping        = flag.Bool("ping", false, "send a SPDY PING after the upgrade and require its echo")
	verbose     = flag.Bool("v", false, "report the negotiated protocol and status on stderr, prefixed 'spdyclient: '")
)

func main() {
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: spdyclient [flags] exec|attach|portforward URL")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 2 {
		flag.Usage()
		os.Exit(2)
	}
	time.AfterFunc(*timeout, func() {
		fmt.Fprintf(os.Stderr, "spdyclient: timed out after %s\n", *timeout)
		os.Exit(exitTimeout)
	})
	kind, target := flag.Arg(0), flag.Arg(1)
	var code int
	var err error
	switch kind {
	case "exec", "attach":
		code, err = remoteCommand(target, strings.Split(*protocols, ","))
	case "portforward":
		code, err = portForward(target)
	default:
		flag.Usage()
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "spdyclient: %v\n", err)
	}
	os.Exit(code)
}

func note(format string, args ...interface{}) {
	if *verbose {
		fmt.Fprintf(os.Stderr, "spdyclient: "+format+"\n", args...)
	}
}

// bufferedConn reads first what the HTTP response reader buffered past the 101, then the socket.
type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufferedConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// upgrade sends the POST with Connection/Upgrade and one X-Stream-Protocol-Version per protocol, checks the
// 101 answer as client-go's SpdyRoundTripper does, and starts a client spdystream connection on the socket.
func upgrade(target string, offered []string) (*spdystream.Connection, string, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, "", err
	}
	var conn net.Conn
	if u.Scheme == "https" {
		conn, err = tls.Dial("tcp", u.Host, &tls.Config{InsecureSkipVerify: true})
	} else {
		conn, err = net.Dial("tcp", u.Host)
	}
	if err != nil {
		return nil, "", err
	}
	req, _ := http.NewRequest("POST", target, nil)
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set("Upgrade", "SPDY/3.1")
	for _, p := range offered {
		req.Header.Add("X-Stream-Protocol-Version", p)
	}
	if err := req.Write(conn); err != nil {
		conn.Close()
		return nil, "", err
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, req)
	if err != nil {
		conn.Close()
		return nil, "", fmt.Errorf("reading the upgrade response: %v", err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		body, _ := io.ReadAll(resp.Body)
		conn.Close()
		return nil, "", fmt.Errorf("unable to upgrade connection: %d %s", resp.StatusCode, strings.TrimSpace(string(body)))
	}
	if !strings.Contains(strings.ToLower(resp.Header.Get("Connection")), "upgrade") ||
		!strings.EqualFold(resp.Header.Get("Upgrade"), "SPDY/3.1") {
		conn.Close()
		return nil, "", fmt.Errorf("unable to upgrade: missing upgrade headers in response: %v", resp.Header)
	}
	protocol := resp.Header.Get("X-Stream-Protocol-Version")
	if protocol != "" && !contains(offered, protocol) {
		conn.Close()
		return nil, "", fmt.Errorf("server chose protocol %q, not one of %v", protocol, offered)
	}
	note("protocol %s", protocol)
	sc, err := spdystream.NewConnection(&bufferedConn{conn, br}, false)
	if err != nil {
		conn.Close()
		return nil, "", err
	}
	// a server never opens streams in these protocols; reply as apimachinery's connection does
	go sc.Serve(func(s *spdystream.Stream) { s.SendReply(http.Header{}, false) })
	if *ping {
		if _, err := sc.Ping(); err != nil {
			return nil, "", fmt.Errorf("ping: %v", err)
		}
		note("ping answered")
	}
	return sc, protocol, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// createStream opens a stream and waits for the server's SYN_REPLY, as apimachinery's spdy connection does.
func createStream(c *spdystream.Connection, h http.Header) (*spdystream.Stream, error) {
	s, err := c.CreateStream(h, nil, false)
	if err != nil {
		return nil, err
	}
	if err := s.WaitTimeout(streamReplyTimeout); err != nil {
		return nil, fmt.Errorf("%s stream %d: no reply: %v", h.Get("streamType"), s.Identifier(), err)
	}
	return s, nil
}

func remoteCommand(target string, offered []string) (int, error) {
	conn, protocol, err := upgrade(target, offered)
	if err != nil {
		return exitProtocol, err
	}
	defer conn.Close()
	version := 1
	switch protocol {
	case "v5.channel.k8s.io", "v4.channel.k8s.io": // over SPDY, v5 is v4 (its close signal is WebSocket's)
		version = 4
	case "v3.channel.k8s.io":
		version = 3
	case "v2.channel.k8s.io":
		version = 2
	}
	// client-go's order (streamProtocolV2.createStreams, then V3's resize): error, stdin, stdout, stderr,
	// resize, each waiting for its reply; the same header set, its streamType changed each time
	headers := http.Header{}
	headers.Set("streamType", "error")
	errorStream, err := createStream(conn, headers)
	if err != nil {
		return exitProtocol, err
	}
	var stdin, stdout, stderr, resizeStream *spdystream.Stream
	if *useStdin {
		headers.Set("streamType", "stdin")
		if stdin, err = createStream(conn, headers); err != nil {
			return exitProtocol, err
		}
	}
	if *useStdout {
		headers.Set("streamType", "stdout")
		if stdout, err = createStream(conn, headers); err != nil {
			return exitProtocol, err
		}
	}
	if *useStderr && !*tty {
		headers.Set("streamType", "stderr")
		if stderr, err = createStream(conn, headers); err != nil {
			return exitProtocol, err
		}
	}
	if *tty && version >= 3 {
		headers.Set("streamType", "resize")
		if resizeStream, err = createStream(conn, headers); err != nil {
			return exitProtocol, err
		}
	}

	errorDone := make(chan []byte, 1)
	go func() {
		message, _ := io.ReadAll(errorStream)
		errorDone <- message
	}()
	if resizeStream != nil && *resize != "" {
		var w, h uint16
		if _, err := fmt.Sscanf(*resize, "%dx%d", &w, &h); err != nil {
			return exitProtocol, fmt.Errorf("-resize %q: want WIDTHxHEIGHT", *resize)
		}
		// client-go's TerminalSize, one JSON document per resize
		if err := json.NewEncoder(resizeStream).Encode(struct{ Width, Height uint16 }{w, h}); err != nil {
			return exitProtocol, err
		}
	}
	if stdin != nil {
		go func() {
			io.Copy(stdin, os.Stdin)
			if !*keepStdin {
				stdin.Close()
			}
		}()
	}
	var wg sync.WaitGroup
	copyOut := func(s *spdystream.Stream, w io.Writer) {
		if s == nil {
			return
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			io.Copy(w, s)
		}()
	}
	copyOut(stdout, os.Stdout)
	copyOut(stderr, os.Stderr)
	wg.Wait()
	message := <-errorDone
	note("error stream %q", string(message))
	return status(version, message)
}

// status is what client-go's errorDecoderV4 (v4, v5) and errorDecoderV2 (earlier) make of the error stream.
func status(version int, message []byte) (int, error) {
	if len(message) == 0 {
		return 0, nil
	}
	if version < 4 {
		return exitFailure, errors.New(string(message))
	}
	var st struct {
		Status  string `json:"status"`
		Message string `json:"message"`
		Reason  string `json:"reason"`
		Details *struct {
			Causes []struct {
				Type    string `json:"reason"`
				Message string `json:"message"`
			} `json:"causes"`
		} `json:"details"`
	}
	if err := json.Unmarshal(message, &st); err != nil {
		return exitProtocol, fmt.Errorf("error stream protocol error: %v in %q", err, message)
	}
	switch st.Status {
	case "Success":
		return 0, nil
	case "Failure":
		if st.Reason == "NonZeroExitCode" {
			if st.Details == nil {
				return exitProtocol, errors.New("error stream protocol error: details must be set")
			}
			for _, c := range st.Details.Causes {
				if c.Type != "ExitCode" {
					continue
				}
				rc, err := strconv.ParseUint(c.Message, 10, 8)
				if err != nil {
					return exitProtocol, fmt.Errorf("error stream protocol error: invalid exit code value %q", c.Message)
				}
				return int(rc), nil
			}
			return exitProtocol, errors.New("error stream protocol error: no ExitCode cause given")
		}
		return exitFailure, errors.New(st.Message)
	default:
		return exitProtocol, fmt.Errorf("error stream protocol error: unknown status %q", st.Status)
	}
}

// portForward is client-go's PortForwarder.handleConnection, once per connection, our stdin as the local side.
func portForward(target string) (int, error) {
	if *port <= 0 {
		return 2, errors.New("portforward needs -port")
	}
	conn, _, err := upgrade(target, []string{"portforward.k8s.io"})
	if err != nil {
		return exitProtocol, err
	}
	defer conn.Close()
	input, err := io.ReadAll(os.Stdin)
	if err != nil {
		return exitProtocol, err
	}
	type result struct {
		answer []byte
		err    error
	}
	results := make([]chan result, *connections)
	for i := range results {
		results[i] = make(chan result, 1)
		headers := http.Header{}
		headers.Set("streamType", "error")
		headers.Set("port", strconv.Itoa(*port))
		headers.Set("requestID", strconv.Itoa(i))
		errorStream, err := createStream(conn, headers)
		if err != nil {
			return exitProtocol, err
		}
		errorStream.Close() // we never write to it
		headers.Set("streamType", "data")
		dataStream, err := createStream(conn, headers)
		if err != nil {
			return exitProtocol, err
		}
		go func(out chan<- result) {
			errorMessage := make(chan []byte, 1)
			go func() {
				m, _ := io.ReadAll(errorStream)
				errorMessage <- m
			}()
			go func() {
				dataStream.Write(input)
				dataStream.Close()
			}()
			var answer bytes.Buffer
			io.Copy(&answer, dataStream)
			var e error
			if m := <-errorMessage; len(m) > 0 {
				e = fmt.Errorf("an error occurred forwarding %d: %s", *port, m)
			}
			dataStream.Reset()
			errorStream.Reset()
			out <- result{answer.Bytes(), e}
		}(results[i])
	}
	code := 0
	for i, r := range results {
		res := <-r
		if *connections > 1 {
			fmt.Printf("connection %d: %s", i, res.answer)
		} else {
			os.Stdout.Write(res.answer)
		}
		if res.err != nil {
			fmt.Fprintf(os.Stderr, "spdyclient: %v\n", res.err)
			code = exitFailure
		}
	}
	return code, nil
}
