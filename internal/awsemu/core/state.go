package core

import (
	"github.com/aws/aws-sdk-go-v2/aws"
)

// state is everything the emulator remembers; Emulator.mu guards it.
type state struct {
	accounts map[string]*Account
	rootKeys map[string]*Account // root access key id -> account
	sessions map[string]*Session // session access key id -> session
}

// Account is one AWS account: its root keys and each service's state (stateOf).
type Account struct {
	Id    string
	root  aws.Credentials
	slots map[string]any // by service name, or "service region" for regional services
}

func newState() *state {
	s := &state{accounts: map[string]*Account{}, rootKeys: map[string]*Account{}}
	s.reset()
	return s
}

func (s *state) addAccount(id string, root aws.Credentials) {
	a := &Account{Id: id, root: root}
	a.reset()
	s.accounts[id] = a
	s.rootKeys[root.AccessKeyID] = a
}

// reset drops resources and sessions but keeps accounts and their root keys.
func (s *state) reset() {
	s.sessions = map[string]*Session{}
	for _, a := range s.accounts {
		a.reset()
	}
}

func (a *Account) reset() { a.slots = map[string]any{} }

// ID is the account's id.
func (a *Account) ID() string { return a.Id }

// StateOf is the state a service keeps in account a under key (its name, with the region for
// regional services), made by mk on first use. Only the service that owns key may call it.
func StateOf[T any](a *Account, key string, mk func() *T) *T {
	if v, ok := a.slots[key].(*T); ok {
		return v
	}
	v := mk()
	a.slots[key] = v
	return v
}

// RegionalStateOf is stateOf for a regional service: one state per region.
func RegionalStateOf[T any](a *Account, service, region string, mk func() *T) *T {
	return StateOf(a, service+" "+region, mk)
}
