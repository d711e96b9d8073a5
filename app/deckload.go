package portal

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/deck"
)

// maxDeckBytes bounds the snapshot the portal accepts (the global deck is far
// smaller).
const maxDeckBytes = 32 << 20

// deckSource fetches the deck snapshot. Tests replace it.
var deckSource = fetchDeckSnapshot

// now is the portal's clock: rates are looked up as of now.
var now = time.Now

// sharedDeck is the decoded deck, loaded once per page load and shared by the
// pages that need it. The service worker keeps the last snapshot, so this
// also works offline.
var sharedDeck struct {
	sync.Mutex
	ix      *deck.Index
	loading bool
	waiting []func(*deck.Index, error)
}

// loadDeck delivers the deck index to done on the UI goroutine: at once when
// it is already loaded, else after one shared fetch and decode.
func loadDeck(ctx app.Context, done func(*deck.Index, error)) {
	sharedDeck.Lock()
	if ix := sharedDeck.ix; ix != nil {
		sharedDeck.Unlock()
		done(ix, nil)
		return
	}
	sharedDeck.waiting = append(sharedDeck.waiting, done)
	if sharedDeck.loading {
		sharedDeck.Unlock()
		return
	}
	sharedDeck.loading = true
	sharedDeck.Unlock()

	ctx.Async(func() {
		ix, err := decodeDeck(deckSource())
		sharedDeck.Lock()
		waiting := sharedDeck.waiting
		sharedDeck.waiting = nil
		sharedDeck.loading = false
		if err == nil {
			sharedDeck.ix = ix
		}
		sharedDeck.Unlock()
		ctx.Dispatch(func(ctx app.Context) {
			for _, w := range waiting {
				w(ix, err)
			}
		})
	})
}

// forgetDeck drops the loaded deck after a new version was published: the
// next page that needs rates fetches the new one.
func forgetDeck() {
	sharedDeck.Lock()
	if !sharedDeck.loading {
		sharedDeck.ix = nil
	}
	sharedDeck.Unlock()
}

func decodeDeck(b []byte, err error) (*deck.Index, error) {
	if err != nil {
		return nil, err
	}
	ix, err := deck.DecodeSnapshot(b)
	if err != nil {
		return nil, fmt.Errorf("the published rates could not be read (%s)", core.ErrorMessage(err))
	}
	return ix, nil
}

// fetchDeckSnapshot gets the snapshot from the edge at the page's origin with
// the browser's fetch (Go's net/http client would add 5 MB to app.wasm). The
// service worker answers from its cache when the network is down. It blocks
// the calling goroutine, never the UI.
func fetchDeckSnapshot() ([]byte, error) {
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	var onResponse, onBody, onError, onErrorBody app.Func
	release := func() {
		onResponse.Release()
		onBody.Release()
		onError.Release()
		onErrorBody.Release()
	}
	onError = app.FuncOf(func(this app.Value, args []app.Value) any {
		done <- result{err: errors.New("the rates could not be loaded: you seem to be offline and no copy is saved yet")}
		return nil
	})
	onBody = app.FuncOf(func(this app.Value, args []app.Value) any {
		buf := app.Window().Get("Uint8Array").New(args[0])
		n := buf.Length()
		if n > maxDeckBytes {
			done <- result{err: fmt.Errorf("the rates could not be loaded: the deck is larger than %d MB", maxDeckBytes>>20)}
			return nil
		}
		b := make([]byte, n)
		app.CopyBytesToGo(b, buf)
		done <- result{b: b}
		return nil
	})
	status := 0
	onErrorBody = app.FuncOf(func(this app.Value, args []app.Value) any {
		done <- result{err: apiError(status, args[0].String())}
		return nil
	})
	onResponse = app.FuncOf(func(this app.Value, args []app.Value) any {
		res := args[0]
		if !res.Get("ok").Bool() {
			status = res.Get("status").Int()
			res.Call("text").Call("then", onErrorBody, onError)
			return nil
		}
		res.Call("arrayBuffer").Call("then", onBody, onError)
		return nil
	})
	opts := map[string]any{"headers": map[string]any{"Accept": "application/msgpack"}}
	app.Window().Call("fetch", DeckPath, opts).Call("then", onResponse, onError)
	r := <-done
	release()
	return r.b, r.err
}

// apiError turns an error answer of the edge API ({"error": {"code",
// "message"}}) into words for the user.
func apiError(status int, body string) error {
	var e struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal([]byte(body), &e) == nil && e.Error.Message != "" {
		return fmt.Errorf("the rates could not be loaded: %s", e.Error.Message)
	}
	return fmt.Errorf("the rates could not be loaded: the server answered with status %d", status)
}
