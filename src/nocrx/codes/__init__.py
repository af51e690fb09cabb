"""Code-system logic with no I/O: NDC forms, HCPCS code shapes, dose units. Imports only nocrx.model/errors."""
