"""The board of needs and offers: volunteers, equipment, skills, premises, jobs and internships."""
