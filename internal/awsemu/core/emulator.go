package core

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// DefaultAccountID and DefaultRegion are used when Options leaves them empty.
const (
	DefaultAccountID = "123456789012"
	DefaultRegion    = "us-east-1"
)

// Options configure an Emulator.
type Options struct {
	AccountID        string           // default "123456789012"
	Region           string           // default "us-east-1"
	PropagationDelay time.Duration    // a new role cannot be assumed until this has passed (AccessDenied, as AWS does)
	Latency          time.Duration    // added to every AWS call
	Now              func() time.Time // clock; default time.Now (tests may move time forward)
	// TransitionDelay is how long asynchronous resources stay in their transitional states
	// (NAT gateway pending, EKS cluster/node group/add-on CREATING/UPDATING/DELETING) on the
	// emulator's clock before they settle; 0 settles them at the next describe.
	TransitionDelay time.Duration
	// SessionDuration, when set, caps every AssumeRole session's lifetime whatever the caller
	// asked for, so tests can show long operations outliving their sessions.
	SessionDuration time.Duration
}

// Emulator is an in-memory AWS. Its zero value is not usable: build one with New or Start.
type Emulator struct {
	opts     Options
	services map[string]*Service
	roles    Roles // the iam service's Impl: what authorization asks of IAM

	mu sync.Mutex // guards st; never held while sleeping
	st *state

	onAuthorize func(AuthQuestion) // guarded by mu: OnAuthorize (authorize_hook.go)

	log    callLog
	faults faultSet

	srvMu    sync.Mutex
	srv      *http.Server
	endpoint string
	served   chan struct{}
	tls      *tlsServer // ListenTLS (s3_tls.go)
}

// NewEmulator builds an emulator serving services; the one whose Impl is a Roles (IAM) answers
// authorization's questions about roles.
func NewEmulator(opts Options, services []*Service) *Emulator {
	if opts.AccountID == "" {
		opts.AccountID = DefaultAccountID
	}
	if opts.Region == "" {
		opts.Region = DefaultRegion
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	e := &Emulator{opts: opts, services: map[string]*Service{}}
	for _, s := range services {
		e.services[s.Name] = s
		if r, ok := s.Impl.(Roles); ok {
			e.roles = r
		}
	}
	e.st = newState()
	e.st.addAccount(opts.AccountID, aws.Credentials{AccessKeyID: "test", SecretAccessKey: "test", Source: "awsemu"})
	return e
}

// Listen starts serving the emulator on addr in the background.
func (e *Emulator) Listen(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	e.srvMu.Lock()
	defer e.srvMu.Unlock()
	if e.srv != nil {
		_ = ln.Close()
		return errors.New("awsemu: already listening")
	}
	e.srv = &http.Server{Handler: e.Handler(), ReadHeaderTimeout: 30 * time.Second}
	e.endpoint = "http://" + ln.Addr().String()
	e.served = make(chan struct{})
	go func() {
		defer close(e.served)
		_ = e.srv.Serve(ln)
	}()
	return nil
}

// Endpoint is the base URL the emulator listens on ("http://127.0.0.1:PORT"); empty before Listen.
func (e *Emulator) Endpoint() string {
	e.srvMu.Lock()
	defer e.srvMu.Unlock()
	return e.endpoint
}

// AccountID is the default account's id.
func (e *Emulator) AccountID() string { return e.opts.AccountID }

// Region is the emulator's default region.
func (e *Emulator) Region() string { return e.opts.Region }

// RootCredentials are the default account's root keys ("test"/"test"): the customer's admin.
func (e *Emulator) RootCredentials() aws.Credentials {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.st.accounts[e.opts.AccountID].root
}

// AddAccount adds another account with its own root keys (returned); for an existing account it
// returns the keys it already has.
func (e *Emulator) AddAccount(accountID string) aws.Credentials {
	e.mu.Lock()
	defer e.mu.Unlock()
	if a := e.st.accounts[accountID]; a != nil {
		return a.root
	}
	creds := aws.Credentials{AccessKeyID: NewID("AKIA", 16), SecretAccessKey: NewSecret(), Source: "awsemu"}
	e.st.addAccount(accountID, creds)
	return creds
}

// InDefaultAccount runs fn under the state lock with the default account and region (test
// helpers that read a service's state, such as minting a cluster's service account token).
func (e *Emulator) InDefaultAccount(fn func(a *Account, region string)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	fn(e.st.accounts[e.opts.AccountID], e.opts.Region)
}

// AWSConfig is an aws.Config aimed at the emulator: its region, its endpoint and creds (the root
// credentials when creds is nil).
func (e *Emulator) AWSConfig(creds aws.CredentialsProvider) aws.Config {
	if creds == nil {
		root := e.RootCredentials()
		creds = aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return root, nil })
	}
	return aws.Config{
		Region:       e.opts.Region,
		BaseEndpoint: aws.String(e.Endpoint()),
		Credentials:  creds,
	}
}

// Reset forgets all resources, sessions, faults and the call log. Accounts and their root keys
// stay, so credentials handed out by RootCredentials and AddAccount keep working.
func (e *Emulator) Reset() {
	e.mu.Lock()
	e.st.reset()
	e.mu.Unlock()
	e.log.reset()
	e.faults.clear()
}

// Close stops the server (if listening) at once, dropping open connections.
func (e *Emulator) Close() error {
	e.closeTLS()
	e.srvMu.Lock()
	srv, served := e.srv, e.served
	e.srvMu.Unlock()
	if srv == nil {
		return nil
	}
	// Close, not Shutdown: SDK clients leave dialled-but-unused connections that Shutdown
	// would wait five seconds for, and a test that closes the emulator is done with it.
	err := srv.Close()
	<-served
	return err
}

// Shutdown stops the server gracefully (http.Server.Shutdown) within ctx.
func (e *Emulator) Shutdown(ctx context.Context) error {
	e.closeTLS()
	e.srvMu.Lock()
	srv, served := e.srv, e.served
	e.srvMu.Unlock()
	if srv == nil {
		return nil
	}
	err := srv.Shutdown(ctx)
	if err != nil {
		_ = srv.Close()
	}
	<-served
	return err
}

// Now reads the emulator clock in UTC.
func (e *Emulator) Now() time.Time { return e.opts.Now().UTC() }

// Options are the options the emulator was built with (defaults filled in).
func (e *Emulator) Options() Options { return e.opts }
