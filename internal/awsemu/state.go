package awsemu

import (
	"github.com/aws/aws-sdk-go-v2/aws"
)

// state is everything the emulator remembers; Emulator.mu guards it.
type state struct {
	accounts map[string]*account
	rootKeys map[string]*account // root access key id -> account
	sessions map[string]*session // session access key id -> session
}

// account is one AWS account: its root keys and each service's state (stateOf).
type account struct {
	id    string
	root  aws.Credentials
	slots map[string]any // by service name, or "service region" for regional services
}

type tag struct{ Key, Value string }

func newState() *state {
	s := &state{accounts: map[string]*account{}, rootKeys: map[string]*account{}}
	s.reset()
	return s
}

func (s *state) addAccount(id string, root aws.Credentials) {
	a := &account{id: id, root: root}
	a.reset()
	s.accounts[id] = a
	s.rootKeys[root.AccessKeyID] = a
}

// reset drops resources and sessions but keeps accounts and their root keys.
func (s *state) reset() {
	s.sessions = map[string]*session{}
	for _, a := range s.accounts {
		a.reset()
	}
}

func (a *account) reset() { a.slots = map[string]any{} }

// ID is the account's id.
func (a *account) ID() string { return a.id }

// stateOf is the state a service keeps in account a under key (its name, with the region for
// regional services), made by mk on first use. Only the service that owns key may call it.
func stateOf[T any](a *account, key string, mk func() *T) *T {
	if v, ok := a.slots[key].(*T); ok {
		return v
	}
	v := mk()
	a.slots[key] = v
	return v
}

// regionalStateOf is stateOf for a regional service: one state per region.
func regionalStateOf[T any](a *account, service, region string, mk func() *T) *T {
	return stateOf(a, service+" "+region, mk)
}

// tagMap turns tags into a map for context keys.
func tagMap(tags []tag) map[string]string {
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[t.Key] = t.Value
	}
	return m
}
