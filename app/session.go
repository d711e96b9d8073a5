package portal

import (
	"sync"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Me is the signed-in user, as GET /v1/me answers.
type Me struct {
	User struct {
		ID    string `json:"id"`
		Email string `json:"email"`
		Name  string `json:"name"`
		Role  string `json:"role"` // admin or member
	} `json:"user"`
	Tenant struct {
		ID       string `json:"id"`
		Name     string `json:"name"`
		Home     string `json:"home"`
		Currency string `json:"currency"`
	} `json:"tenant"`
	Operator bool      `json:"operator"`
	Expires  time.Time `json:"expires"`
}

// Admin says whether the user may change the account (members only see it).
func (m *Me) Admin() bool { return m != nil && m.User.Role == "admin" }

// session is who is signed in, as far as this page load knows: fetched
// once from /v1/me and shared by the navigation bar and the pages.
var session struct {
	sync.Mutex
	known   bool // me is the answer of /v1/me (nil: signed out)
	me      *Me
	loading bool
	waiting []sessionWaiter
}

// sessionWaiter is a component waiting for the session, with its own
// context so that it is the one updated.
type sessionWaiter struct {
	ctx  app.Context
	done func(*Me, error)
}

// currentMe returns the signed-in user if known (nil when signed out or not
// known yet).
func currentMe() *Me {
	session.Lock()
	defer session.Unlock()
	return session.me
}

// setSession records a sign-in (me) or a sign-out (nil).
func setSession(me *Me) {
	session.Lock()
	session.known, session.me = true, me
	session.Unlock()
}

// loadSession delivers the signed-in user (nil when signed out) to done on
// the UI goroutine: at once when known, else after one shared GET /v1/me.
// err is set only when the answer could not be had (offline, server error).
func loadSession(ctx app.Context, done func(*Me, error)) {
	session.Lock()
	if session.known {
		me := session.me
		session.Unlock()
		done(me, nil)
		return
	}
	session.waiting = append(session.waiting, sessionWaiter{ctx, done})
	if session.loading {
		session.Unlock()
		return
	}
	session.loading = true
	session.Unlock()

	ctx.Async(func() {
		me := &Me{}
		err := callAPI("GET", "/v1/me", nil, me, nil)
		if isSignedOut(err) {
			me, err = nil, nil
		}
		if err != nil {
			me = nil
		}
		session.Lock()
		waiting := session.waiting
		session.waiting, session.loading = nil, false
		if err == nil {
			session.known, session.me = true, me
		}
		session.Unlock()
		for _, w := range waiting {
			w.ctx.Dispatch(func(app.Context) { w.done(me, err) })
		}
	})
}

// signOut ends the session on the server and here, then goes to the sign-in
// page.
func signOut(ctx app.Context) {
	ctx.Async(func() {
		err := callAPI("DELETE", "/v1/session", nil, nil, nil)
		ctx.Dispatch(func(ctx app.Context) {
			if err != nil && !isSignedOut(err) {
				app.Window().Call("alert", "Signing out failed: "+err.Error())
				return
			}
			setSession(nil)
			ctx.Navigate("/signin")
		})
	})
}
