"""The knowledge base for agents: articles (policies, answers to common questions) with
versions, searched while an agent types (BM25 over jieba words), cited by direct answers."""
