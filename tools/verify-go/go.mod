module custody/verify-go

go 1.21
