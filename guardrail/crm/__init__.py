"""CRM dialects: how each CRM's API expresses writes, and how it expects errors back."""
