// Package scfruntime runs a Go handler as a custom runtime (CustomRuntime) on isola or on the
// cloud: the program is the package's scf_bootstrap and speaks the HTTP runtime API (spec:
// runtime-api.md, "Custom runtime") — say ready, then forever fetch the next event, call the
// handler, post its JSON result or its error. Standard library only; one kept-alive connection.
//
//	func main() {
//		scfruntime.Start(func(ctx scfruntime.Context, event json.RawMessage) (interface{}, error) {
//			return map[string]string{"hello": ctx.RequestID}, nil
//		})
//	}
package scfruntime

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"time"
)

// Context is what the runtime API says about one invocation.
type Context struct {
	RequestID       string
	MemoryLimitInMb int
	TimeLimitInMs   int
	// Deadline is when the invocation times out: the event was handed out plus TimeLimitInMs.
	Deadline time.Time
	// Handler is the function's handler string (_HANDLER), free-form for a custom runtime.
	Handler string
}

// Handler handles one event (the raw JSON the invoker sent). Its result is JSON-encoded; an error
// is posted as the invocation's error (430, its text the error message).
type Handler func(ctx Context, event json.RawMessage) (interface{}, error)

// Start says ready and serves events until the process is stopped. It returns only on an error
// of the runtime API itself, after printing it (the platform then sees the process exit).
func Start(handler Handler) {
	if err := serve(handler); err != nil {
		fmt.Fprintln(os.Stderr, "scfruntime:", err)
		os.Exit(1)
	}
}

func serve(handler Handler) error {
	api := "http://" + os.Getenv("SCF_RUNTIME_API") + ":" + os.Getenv("SCF_RUNTIME_API_PORT") + "/runtime"
	// No client timeout: GET next is a long poll.
	client := &http.Client{}
	if err := post(client, api+"/init/ready", nil); err != nil {
		return err
	}
	for {
		resp, err := client.Get(api + "/invocation/next")
		if err != nil {
			return err
		}
		event, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET next answered %d: %s", resp.StatusCode, event)
		}
		ctx := Context{
			RequestID:       resp.Header.Get("request_id"),
			MemoryLimitInMb: atoi(resp.Header.Get("memory_limit_in_mb")),
			TimeLimitInMs:   atoi(resp.Header.Get("time_limit_in_ms")),
			Handler:         os.Getenv("_HANDLER"),
		}
		ctx.Deadline = time.Now().Add(time.Duration(ctx.TimeLimitInMs) * time.Millisecond)
		result, herr := call(handler, ctx, event)
		if herr != nil {
			err = post(client, api+"/invocation/error", []byte(herr.Error()))
		} else {
			err = post(client, api+"/invocation/response", result)
		}
		if err != nil {
			return err
		}
	}
}

// call runs the handler; a panic is the invocation's error, the runtime goes on.
func call(handler Handler, ctx Context, event []byte) (out []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	result, err := handler(ctx, json.RawMessage(event))
	if err != nil {
		return nil, err
	}
	return json.Marshal(result)
}

func post(client *http.Client, url string, body []byte) error {
	resp, err := client.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	// Read to the end so the connection is reused (keep-alive).
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("POST %s answered %d", url, resp.StatusCode)
	}
	return nil
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
