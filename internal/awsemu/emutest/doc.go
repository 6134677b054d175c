// Package emutest holds the helpers the emulator's tests share (starting an emulator, SDK clients
// aimed at it, role sessions with given policies, fixtures such as a VPC or a cluster), so each
// service's tests live beside the service.
package emutest
