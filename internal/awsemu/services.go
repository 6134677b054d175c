package awsemu

import "testing"

// Test starts an emulator for a test and closes it when the test ends.
func Test(t testing.TB, opts Options) *Emulator {
	t.Helper()
	e, err := Start(opts)
	if err != nil {
		t.Fatalf("awsemu: start: %v", err)
	}
	t.Cleanup(func() {
		if err := e.Close(); err != nil {
			t.Errorf("awsemu: close: %v", err)
		}
	})
	return e
}

// New builds an emulator that is not listening; serve its Handler yourself or use Start.
func New(opts Options) *Emulator { return newEmulator(opts, defaultServices()) }

// Start builds an emulator and serves it on a free 127.0.0.1 port.
func Start(opts Options) (*Emulator, error) { return StartAt("127.0.0.1:0", opts) }

// StartAt builds an emulator and serves it on addr (host:port; port 0 picks a free one).
func StartAt(addr string, opts Options) (*Emulator, error) {
	e := New(opts)
	if err := e.Listen(addr); err != nil {
		return nil, err
	}
	return e, nil
}

// defaultServices are the services every emulator serves; add new ones here.
func defaultServices() []*Service {
	return []*Service{iamService(), stsService(),
		eksService(),
		logsService(),
		ssmService(),
		acmService(),
		glueService(),
		ec2Service(),
		dynamodbService(), rdsService(), organizationsService(),
		s3Service(), kmsService(),
	}
}
