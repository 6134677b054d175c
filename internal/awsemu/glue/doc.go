// Package glue is the emulator's Glue Data Catalog: databases, catalog settings and tags.
package glue
