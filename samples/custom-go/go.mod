module isola.local/samples/custom-go

go 1.19

require isola.local/scfruntime v0.0.0

replace isola.local/scfruntime => ../../native/go
