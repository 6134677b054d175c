// Package acm is the emulator's Certificate Manager: imported certificates and their tags.
package acm
