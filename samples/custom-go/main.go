// A CustomRuntime function in Go with isola's scfruntime package (native/go): build it as the
// package's scf_bootstrap (see README.md). It greets event.name and logs each call.
package main

import (
	"encoding/json"
	"errors"
	"fmt"

	"isola.local/scfruntime"
)

type event struct {
	Name string `json:"name"`
}

func main() {
	fmt.Println("custom-go: starting")
	scfruntime.Start(func(ctx scfruntime.Context, raw json.RawMessage) (interface{}, error) {
		var e event
		if err := json.Unmarshal(raw, &e); err != nil {
			return nil, err
		}
		if e.Name == "" {
			return nil, errors.New("name is required")
		}
		fmt.Printf("greeting %s (request %s)\n", e.Name, ctx.RequestID)
		return map[string]interface{}{"message": "Hello, " + e.Name + "!", "requestId": ctx.RequestID, "memoryMb": ctx.MemoryLimitInMb}, nil
	})
}
